from . import cs_ticket_transfer_wizard
from . import cs_owner_redesignate_wizard
from . import cs_satisfaction_confirm_wizard
from . import cs_force_close_wizard
from . import cs_ticket_reopen_wizard
