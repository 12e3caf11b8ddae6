from . import report_archive_certificate
