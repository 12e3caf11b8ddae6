from . import test_pbx_endpoint
from . import test_call
from . import test_call_import
from . import test_chat
from . import test_pbx_concurrency
