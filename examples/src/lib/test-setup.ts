// After the shared tfjs setup (backend from OVERFIT_TEST_BACKEND): the kernels the runner
// installs too, so the specs run the examples exactly as `pnpm example` does.
import { installKernels } from '@overfit/kernels';

installKernels();
