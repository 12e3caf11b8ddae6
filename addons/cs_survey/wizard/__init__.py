from . import cs_survey_rescore
