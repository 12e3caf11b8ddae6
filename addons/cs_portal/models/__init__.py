from . import cs_portal_intake_kind, helpdesk_ticket_portal
from . import cs_portal_demo
