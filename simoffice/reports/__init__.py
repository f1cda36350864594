"""The pages: a run's report, a comparison, a staffing search, a sweep, a calibration.

Importing this package registers each page's writer in
:data:`simoffice.run.pages.PAGE_WRITERS`, where saving a result finds it.
"""

from simoffice.reports import calibration, comparison, report, staffing, sweep  # noqa: F401
