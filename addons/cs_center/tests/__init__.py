from . import test_intake
from . import test_ownership
from . import test_closing
from . import test_deadlines
from . import test_escalation
from . import test_security
from . import test_portal
from . import test_tour
