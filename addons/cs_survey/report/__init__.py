from . import cs_appraisal_reports
