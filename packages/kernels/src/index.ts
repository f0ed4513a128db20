export { type ConvFilterGradientOptions, conv2dFilterGradient } from './conv-filter.js';
export {
  type InstalledKernels,
  type InstallKernelsOptions,
  installedKernels,
  installKernels,
  KERNEL_NAMES,
  uninstallKernels,
} from './install.js';
