from . import intake, tracking
