"""Server-rendered SVG charts: pure builders (series -> geometry) and their templates.

``geometry`` holds the shapes; ``bars``, ``line``, ``heatmap`` and ``funnel`` build them;
``templates/qualification/charts/<kind>.html`` draws them (``chart.html`` picks the one).
No JavaScript and no chart library: the page works offline and prints.
"""

from qualification.web.charts.bars import hbar_chart, stacked_bar_chart
from qualification.web.charts.funnel import funnel_chart
from qualification.web.charts.geometry import Chart
from qualification.web.charts.heatmap import heatmap_chart
from qualification.web.charts.line import line_chart

__all__ = [
    "Chart",
    "funnel_chart",
    "hbar_chart",
    "heatmap_chart",
    "line_chart",
    "stacked_bar_chart",
]
