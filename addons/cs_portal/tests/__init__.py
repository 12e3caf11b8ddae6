from . import test_portal_intake, test_portal_tracking, test_portal_tour
