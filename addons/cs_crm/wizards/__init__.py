from . import cs_sales_override_wizard
from . import helpdesk_ticket_create_lead
from . import cs_segment_override_wizard
