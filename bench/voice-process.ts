import { answerParent } from './child-figure.js';
import { measureVoiceFigure } from './voice.js';

/** Figure 7's IVR rounds or its live calls, and figure 8's IVR runs, each in a process of its own (bench/voice.ts). */
answerParent(measureVoiceFigure);
