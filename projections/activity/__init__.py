"""The activity read model: who did what, when, where, one row per appointment event."""

from projections.activity.projection import ACTIVITY, PLACES, ActivityProjection
from projections.activity.query import ActivityFilter, ActivityItem, ActivityPage, activity

PROJECTION = ActivityProjection

__all__ = [
    "ACTIVITY",
    "PLACES",
    "PROJECTION",
    "ActivityFilter",
    "ActivityItem",
    "ActivityPage",
    "ActivityProjection",
    "activity",
]
