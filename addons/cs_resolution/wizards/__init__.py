from . import cs_resolution_notify_wizard
from . import cs_reconcile_override_wizard
from . import cs_tier_comment_wizard
from . import cs_responsibility_reopen_wizard
from . import cs_approval_settings
