// The New research form's estimate: asked estimateDelayMs after the last change, the answer to an older request dropped.
import * as api from '../api';
import { errorMessage } from '../format';
import type { Decision, SubmitRequest } from '../types';

/** How long the form waits after the last change before it asks for an estimate. */
const estimateDelayMs = 300;

/** EstimateState follows the request; create it while a component initialises (it sets up an effect). */
export class EstimateState {
  decision = $state<Decision | null>(null);
  error = $state('');
  pending = $state(false);
  #seq = 0;

  constructor(request: () => SubmitRequest, canEstimate: () => boolean) {
    $effect(() => {
      const req = request();
      if (!canEstimate()) {
        this.#seq++;
        this.pending = false;
        return;
      }
      const seq = ++this.#seq;
      this.pending = true;
      const t = setTimeout(async () => {
        try {
          const d = await api.Estimate(req);
          if (seq !== this.#seq) return;
          this.decision = d;
          this.error = '';
        } catch (err) {
          if (seq !== this.#seq) return;
          this.decision = null;
          this.error = errorMessage(err);
        }
        this.pending = false;
      }, estimateDelayMs);
      return () => clearTimeout(t);
    });
  }
}
