from . import cs_response_weight
from . import cs_appraisal_period
