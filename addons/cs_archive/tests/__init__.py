from . import test_archiving
from . import test_immutability
from . import test_integrity
from . import test_disposal
from . import test_security
from . import test_completeness
from . import test_concurrency
from . import test_resolution
