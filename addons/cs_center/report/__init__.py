from . import cs_report_access
from . import report_service_register
