// The ECharts that Grassroots ships: echarts/core with only what the dashboards draw.
// UI.md's weight rule (a cold load of any page ≤ 200 KB compressed) leaves room for one chart
// type: every dashboard chart is a bar chart (trends as grouped bars, the case funnel and the
// rankings as horizontal bars), on a grid, drawn as SVG (its marks are testable elements).
// A line, pie or funnel chart adds 6–18 KB compressed each: measure before adding one.
import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { GridComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, SVGRenderer]);

window.echarts = echarts;
