// The New research form's clarify flow: questions, answers, then the brief that is submitted.
//
// Clarify first (a switch, on by default): Continue has the cheap helper
// model ask up to three questions about the request (App.Clarify); the
// answers make a research brief (App.Brief) the user edits, and Start
// research submits the brief through the usual path (estimate, budget).
// Each helper call's cost is shown. A helper failure never blocks: the
// error is shown with "Send my prompt as it is"; no questions go straight
// to the submit. A follow-up (Go deeper) skips it.
import { tick } from 'svelte';
import * as api from '../api';
import { errorMessage } from '../format';

export type Step = 'write' | 'questions' | 'brief';

export interface ClarifyDeps {
  /** The prompt as written. */
  prompt: () => string;
  /** Clears the submit error before a helper call. */
  clearSubmitError: () => void;
  /** The form's own checks refuse it, or a submit is under way (runs the checks, so their messages show). */
  blocked: () => boolean;
  /** The budget would refuse the request. */
  refused: () => boolean;
  submit: () => Promise<void>;
}

export class ClarifyFlow {
  /** write: the prompt; questions: the helper's questions; brief: the brief to submit. */
  step = $state<Step>('write');
  helperBusy = $state<'' | 'clarify' | 'brief'>('');
  helperError = $state('');
  questions = $state<string[]>([]);
  answers = $state<string[]>([]);
  clarifyCost = $state(0);
  clarifyModel = $state('');
  brief = $state('');
  briefCost = $state(0);
  briefModel = $state('');
  /** The questions or the brief, whose first field takes the focus when they appear. */
  stepBox: HTMLElement | undefined = $state();
  #deps: ClarifyDeps;

  constructor(deps: ClarifyDeps) {
    this.#deps = deps;
  }

  async focusStep() {
    await tick();
    this.stepBox?.querySelector<HTMLElement>('textarea')?.focus();
  }

  /** askQuestions is Continue: the helper's questions about the prompt, or the submit when it has none. */
  async askQuestions() {
    this.#deps.clearSubmitError();
    this.helperError = '';
    if (this.#deps.blocked() || this.helperBusy || this.#deps.refused()) return;
    this.helperBusy = 'clarify';
    let none = false;
    try {
      const res = await api.Clarify(this.#deps.prompt());
      this.clarifyCost = res.cost_usd;
      this.clarifyModel = res.model;
      this.questions = (res.questions ?? []).slice(0, 3);
      this.answers = this.questions.map(() => '');
      none = this.questions.length === 0;
      if (!none) {
        this.step = 'questions';
        void this.focusStep();
      }
    } catch (err) {
      this.helperError = `The helper model could not ask its questions: ${errorMessage(err).replace(/\.$/, '')}`;
    } finally {
      this.helperBusy = '';
    }
    if (none) await this.#deps.submit();
  }

  /** writeBrief has the helper write the brief from the prompt and the answers. */
  async writeBrief() {
    this.#deps.clearSubmitError();
    this.helperError = '';
    if (this.#deps.blocked() || this.helperBusy) return;
    this.helperBusy = 'brief';
    try {
      const res = await api.Brief({ prompt: this.#deps.prompt(), answers: this.clarified(this.#deps.prompt()).answers });
      this.brief = res.brief;
      this.briefCost = res.cost_usd;
      this.briefModel = res.model;
      this.step = 'brief';
      void this.focusStep();
    } catch (err) {
      this.helperError = `The helper model could not write the brief: ${errorMessage(err).replace(/\.$/, '')}`;
    } finally {
      this.helperBusy = '';
    }
  }

  /** clarified is what the user wrote behind the brief: their question and the answers they gave. */
  clarified(question: string): { question: string; answers: { question: string; answer: string }[] } {
    return { question, answers: this.questions.map((q, i) => ({ question: q, answer: this.answers[i] ?? '' })).filter((a) => a.answer.trim() !== '') };
  }

  /** sendAsIs submits the prompt as the user wrote it, without the helper. */
  sendAsIs = () => {
    this.step = 'write';
    this.helperError = '';
    void this.#deps.submit();
  };

  /** backToPrompt leaves the questions and the brief, to change the prompt. */
  backToPrompt = () => {
    this.step = 'write';
    this.helperError = '';
    this.questions = [];
    this.answers = [];
    this.brief = '';
    this.clarifyCost = this.briefCost = 0;
    this.clarifyModel = this.briefModel = '';
  };
}
