from . import test_response_kpi
