/** The parts of chart.js the readings chart draws with, registered once: named imports, so the
 * bundle carries only these (a dynamic import of the whole module would carry all of it). */
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

export { Chart };
