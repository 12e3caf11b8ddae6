from . import test_scoring
from . import test_sending
from . import test_callbacks
from . import test_campaign
from . import test_appraisal
from . import test_workflow_guards
from . import test_reports
