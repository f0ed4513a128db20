import '@overfit/core';
import '@tensorflow/tfjs';
