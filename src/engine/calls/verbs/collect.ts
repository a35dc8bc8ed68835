import { spokenWords } from '../../../domain/call-far-end.js';
import type { CollectInstruction } from '../../../domain/instructions.js';
import type { CallSession } from '../call-session.js';
import { CONTINUE, HUNG_UP, type CollectResult, type VerbContext, type VerbOutcome, type VerbRunner } from '../verb.js';
import { requestAction } from './action.js';

type Heard = CollectResult | 'nothing' | 'invalid' | 'hangup';

/**
 * GetDigits, GetInput, Gather: the prompts (cut short by input), then keys or words until `numDigits`,
 * the finish key or a timeout. A try with nothing heard prompts again, up to `attempts`; after the last
 * the next sibling runs without a request (plivo.md §2.3).
 */
export const collect: VerbRunner<CollectInstruction> = async (instruction, context) => {
  const { session } = context;
  for (let attempt = 1; attempt <= instruction.attempts; attempt++) {
    const prompted = await playPrompts(instruction, context);
    if (prompted.next !== 'continue') return prompted;
    const heard = await listen(instruction, session);
    if (heard === 'hangup') return HUNG_UP;
    if (heard === 'invalid') {
      session.note('far-end', 'a key outside validDigits was pressed');
      if (instruction.invalidDigitsSound) {
        const ms = await context.services.audioDurationMs(session, instruction.invalidDigitsSound, instruction.source);
        if ((await session.wait(ms ?? 0)) === 'hangup') return HUNG_UP;
      }
      continue;
    }
    if (heard === 'nothing') {
      session.note('instruction', `no input (try ${attempt} of ${instruction.attempts})`);
      continue;
    }
    if (heard.inputType === 'speech' && (await hearOut(instruction, context, heard.speech)) === 'hangup') return HUNG_UP;
    const params = context.services.params.collect(session, heard, instruction.source.element);
    return requestAction(context, instruction.action, instruction.redirect, params);
  }
  if (instruction.actionOnEmpty) {
    const empty: CollectResult = { inputType: instruction.inputs[0] ?? 'dtmf', digits: '', speech: '' };
    return requestAction(context, instruction.action, instruction.redirect, context.services.params.collect(session, empty, instruction.source.element));
  }
  return CONTINUE;
};

async function playPrompts(instruction: CollectInstruction, context: VerbContext): Promise<VerbOutcome> {
  for (const prompt of instruction.prompts) {
    if (context.session.hasInput()) break;
    const outcome = await context.runAll([prompt], { bargeIn: true });
    if (outcome.next !== 'continue') return outcome;
  }
  return CONTINUE;
}

async function listen(instruction: CollectInstruction, session: CallSession): Promise<Heard> {
  const takesKeys = instruction.inputs.includes('dtmf');
  const takesSpeech = instruction.inputs.includes('speech');
  let digits = '';
  for (;;) {
    const waited = await session.wait(digits ? instruction.interDigitTimeoutMs : instruction.firstInputTimeoutMs, true);
    if (waited === 'hangup') return 'hangup';
    if (waited === 'time') return digits ? { inputType: 'dtmf', digits, speech: '' } : 'nothing';
    const speech = session.takeSpeech();
    if (speech !== null && takesSpeech && !digits) return { inputType: 'speech', digits: '', speech };
    for (let key = session.takeDigit(); key !== null; key = session.takeDigit()) {
      if (!takesKeys) continue;
      if (key === instruction.finishOnKey) return digits ? { inputType: 'dtmf', digits, speech: '' } : 'nothing';
      if (instruction.validDigits !== null && !instruction.validDigits.includes(key)) return 'invalid';
      digits += key;
      if (digits.length >= instruction.maxDigits) {
        session.clearInput();
        return { inputType: 'dtmf', digits, speech: '' };
      }
    }
  }
}

/**
 * Speech takes as long to hear as to say: each word, once said, goes to the interim callback as the
 * newest (unstable) word after the stable ones before it; then the silence that ends the speech.
 */
async function hearOut(instruction: CollectInstruction, context: VerbContext, speech: string): Promise<'heard' | 'hangup'> {
  const { session, services } = context;
  const words = spokenWords(speech);
  let elapsedMs = 0;
  for (const [index, { word, endMs }] of words.entries()) {
    if ((await session.wait(endMs - elapsedMs)) === 'hangup') return 'hangup';
    elapsedMs = endMs;
    if (!instruction.interimSpeechCallback) continue;
    const stable = words.slice(0, index).map((said) => said.word).join(' ');
    await services.notify(session, instruction.interimSpeechCallback, services.params.interimSpeech(session, { stable, unstable: word }, index + 1));
  }
  return (await session.wait(instruction.speechEndTimeoutMs)) === 'hangup' ? 'hangup' : 'heard';
}
