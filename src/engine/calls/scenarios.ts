import type { FarEndScript } from '../../domain/call-far-end.js';
import { beepSound } from '../../domain/far-end-sound.js';
import { scenarioKey, scenarioScript, type Scenario, type ScenarioAction } from '../../domain/scenario.js';
import type { CallSession } from './call-session.js';

/**
 * The scenarios in force, by the far end's number. Each call to or from a number takes the scenario
 * once (counting down `remaining`); its steps then play on that call.
 */
export class Scenarios {
  private readonly byNumber = new Map<string, Scenario>();

  put(scenario: Scenario): void {
    for (const [key, existing] of this.byNumber) if (existing.name === scenario.name) this.byNumber.delete(key);
    this.byNumber.set(scenarioKey(scenario.number), scenario);
  }

  list(): Scenario[] {
    return [...this.byNumber.values()];
  }

  delete(name: string): boolean {
    for (const [key, scenario] of this.byNumber) {
      if (scenario.name !== name) continue;
      this.byNumber.delete(key);
      return true;
    }
    return false;
  }

  /** The scenario for a call with this far end, used up by one call. */
  take(number: string): Scenario | null {
    const key = scenarioKey(number);
    const scenario = this.byNumber.get(key);
    if (!scenario) return null;
    if (scenario.remaining !== null) {
      if (scenario.remaining <= 1) this.byNumber.delete(key);
      else this.byNumber.set(key, { ...scenario, remaining: scenario.remaining - 1 });
    }
    return scenario;
  }

  /** How the far end answers, if a scenario says so (Dial targets use only this part). */
  answerFor(number: string): FarEndScript | null {
    const scenario = this.take(number);
    return scenario ? scenarioScript(scenario) : null;
  }
}

/** Play a scenario's steps on a call: moments after the answer, and moments when elements start. */
export function playScenario(session: CallSession, scenario: Scenario): { onAnswer(): void } {
  const seen = new Map<string, number>();
  const act = (action: ScenarioAction): void => {
    session.note('far-end', `scenario ${scenario.name}`);
    if ('digits' in action) session.pressDigits(action.digits);
    else if ('speech' in action) session.say(action.speech);
    else if ('beep' in action) session.hear(beepSound(session.now()));
    else session.requestHangup({ code: 4000, source: session.call.direction === 'outbound' ? 'Callee' : 'Caller' });
  };
  const later = (ms: number, action: ScenarioAction): void => {
    if (ms <= 0) act(action);
    else session.schedule(ms, () => act(action));
  };
  session.onEvent((event) => {
    if (event.type !== 'instruction') return;
    const element = event.data?.element;
    if (typeof element !== 'string') return;
    const count = (seen.get(element) ?? 0) + 1;
    seen.set(element, count);
    for (const step of scenario.steps) {
      if ('element' in step.at && step.at.element === element && step.at.occurrence === count) later(step.at.afterMs, step.do);
    }
  });
  return {
    onAnswer() {
      for (const step of scenario.steps) if ('afterAnswerMs' in step.at) later(step.at.afterAnswerMs, step.do);
    },
  };
}
