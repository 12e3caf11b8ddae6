from . import test_tier
from . import test_resolution
from . import test_resolution_accounting
from . import test_resolution_security
from . import test_resolution_review
from . import test_resolution_concurrency
from . import test_workflow
from . import test_approval_settings
