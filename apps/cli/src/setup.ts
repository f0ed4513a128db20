import { describeBackendChoice } from '@overfit/core';
import { type TrainConfig, UsageError } from './args.js';
import { chooseBackend, describeBackendDetails, installFastKernels } from './backend.js';
import { checkAugmentationShape, checkPlan } from './plan.js';

/**
 * The checks before a backend or data: every configuration's plan (refusals become one
 * UsageError with a line each, prefixed with the configuration's name when there are several),
 * warnings printed once each.
 */
export function checkConfigurations(
  configs: readonly { name?: string; config: TrainConfig }[],
  warn: (line: string) => void,
): void {
  const problems: string[] = [];
  const warnings = new Set<string>();
  for (const { name, config } of configs) {
    const plan = checkPlan(config);
    for (const p of plan.problems)
      problems.push(name === undefined ? p : `configuration ${name}: ${p}`);
    for (const w of plan.warnings) warnings.add(w);
  }
  if (problems.length > 0) throw new UsageError([...new Set(problems)]);
  for (const w of warnings) warn(`warning: ${w}`);
}

/** Picks the backend and installs kernels, printing what it chose; then the checks that need one. */
export async function setUpBackend(
  configs: readonly TrainConfig[],
  out: (line: string) => void,
): Promise<string> {
  const choice = await chooseBackend(configs[0]!.backend);
  out(describeBackendChoice(choice));
  for (const line of describeBackendDetails(choice)) out(line);
  out(installFastKernels(choice.name));
  const problems = [...new Set(configs.map((c) => checkAugmentationShape(c.augment)))].filter(
    (p): p is string => p !== undefined,
  );
  if (problems.length > 0) throw new UsageError(problems);
  return choice.name;
}
