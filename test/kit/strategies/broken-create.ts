/** broken-create: its create() throws (a missing model file, say), with a multi-line message, before it ever runs. */
import { defineStrategy } from '../../../src/engine/index.ts';

export default defineStrategy({
  name: 'broken-create',
  params: { model: 'model.bin' },
  create(ctx) {
    throw new Error(`cannot open ${ctx.params.model}: no such file\n    searched: ./models, ~/.parity/models\n    hint: train one first`);
  },
});
