from . import test_survey_archive
from . import test_callback_archive
