from . import cs_portal_intake_kind, helpdesk_ticket_portal
