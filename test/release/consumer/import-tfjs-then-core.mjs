import '@tensorflow/tfjs';
import '@overfit/core';
