from . import test_crm_tier
from . import test_crm_sales
from . import test_crm_360
