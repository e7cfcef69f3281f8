// The UI tests look at frames as a terminal shows them; Ink in "CI mode" draws none until exit.
// Loading it the way the binary does keeps these tests meaningful when CI is set (see src/ui/load.ts).
import { loadInteractiveInk } from '../../src/ui/load.ts';

await loadInteractiveInk();
