"""The service catalog read model: searchable, filterable, paged by key."""

from projections.services.projection import SERVICES, ServicesProjection, with_keys
from projections.services.query import ServiceItem, ServicePage, catalog_fingerprint, services

PROJECTION = ServicesProjection

__all__ = [
    "PROJECTION",
    "SERVICES",
    "ServiceItem",
    "ServicePage",
    "ServicesProjection",
    "catalog_fingerprint",
    "services",
    "with_keys",
]
