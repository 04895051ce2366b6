// Every nn.Module class the catalogue knows, keyed by its torch.nn class name.

import { activationModules } from './activation';
import { adaptivePoolModules } from './adaptivePool';
import { convModules } from './conv';
import { convTransposeModules } from './convTranspose';
import { embeddingModule } from './embedding';
import { flattenModule, unflattenModule } from './flatten';
import { im2colModules } from './im2col';
import { bilinearModule, identityModule, linearModule } from './linear';
import { lossModules } from './loss';
import { normModules } from './norm';
import { paddingModules } from './padding';
import { pixelShuffleModules } from './pixelShuffle';
import { poolModules } from './pool';
import { resizeModules } from './resize';
import { byName } from './tensorOpsCommon';
import type { ModuleSpec } from './types';
import { unpoolModules } from './unpool';

const all: readonly ModuleSpec[] = [
  ...convModules,
  ...convTransposeModules,
  linearModule,
  bilinearModule,
  identityModule,
  ...normModules,
  ...activationModules,
  ...poolModules,
  ...adaptivePoolModules,
  ...unpoolModules,
  ...resizeModules,
  ...pixelShuffleModules,
  ...(im2colModules as readonly ModuleSpec[]),
  flattenModule,
  unflattenModule,
  ...paddingModules,
  embeddingModule,
  ...lossModules,
];


export const moduleSpecs: ReadonlyMap<string, ModuleSpec> = byName(all);
