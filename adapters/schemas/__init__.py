"""One marshmallow schema per shape the HTTP API reads or writes (SPEC §6)."""

from adapters.schemas.appointments import (
    AppointmentQuerySchema,
    AppointmentSchema,
    BookSchema,
    EditResultSchema,
    EditSchema,
    HistorySchema,
    MoveResultSchema,
    MoveSchema,
    ServiceLineAddSchema,
    ServiceLineRemoveQuerySchema,
)
from adapters.schemas.board import (
    BoardQuerySchema,
    BoardSchema,
    CardSchema,
    StatsQuerySchema,
    StatsSchema,
)
from adapters.schemas.common import ChangeSchema
from adapters.schemas.hours import HoursPutSchema, HoursSchema
from adapters.schemas.ops import HealthSchema, ProjectionStatusSchema, ReadySchema
from adapters.schemas.problems import ConflictProblemSchema, ProblemSchema
from adapters.schemas.services import (
    ServiceCreateSchema,
    ServiceListQuerySchema,
    ServicePageSchema,
    ServicePatchSchema,
    ServiceSchema,
)

__all__ = [
    "AppointmentQuerySchema",
    "AppointmentSchema",
    "BoardQuerySchema",
    "BoardSchema",
    "BookSchema",
    "CardSchema",
    "ChangeSchema",
    "ConflictProblemSchema",
    "EditResultSchema",
    "EditSchema",
    "HealthSchema",
    "HistorySchema",
    "HoursPutSchema",
    "HoursSchema",
    "MoveResultSchema",
    "MoveSchema",
    "ProblemSchema",
    "ProjectionStatusSchema",
    "ReadySchema",
    "ServiceCreateSchema",
    "ServiceLineAddSchema",
    "ServiceLineRemoveQuerySchema",
    "ServiceListQuerySchema",
    "ServicePageSchema",
    "ServicePatchSchema",
    "ServiceSchema",
    "StatsQuerySchema",
    "StatsSchema",
]
