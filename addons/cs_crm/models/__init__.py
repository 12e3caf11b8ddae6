from . import helpdesk_ticket
from . import cs_resolution
from . import tier_review
from . import helpdesk_ticket_sales
from . import cs_resolution_sales
from . import cs_ticket_deadline


from . import cs_customer_360
from . import res_partner
from . import crm_lead
from . import cs_segment_rule
from . import res_partner_segment
from . import cs_callback
