from .audit import AuditEvent
from .base import BaseModel
from .jobs import BackgroundJob
from .sites import Role, Site, User
from .uploads import Upload

__all__ = ["AuditEvent", "BackgroundJob", "BaseModel", "Role", "Site", "Upload", "User"]
