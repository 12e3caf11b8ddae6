from . import test_pbx_endpoint
from . import test_call
