from . import cs_resolution_reports
