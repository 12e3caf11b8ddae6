from . import survey_user_input
from . import cs_callback
