// danfojs-node requires '@tensorflow/tfjs-node'; hand it the project's tfjs so there is one tfjs-core.
module.exports = require('@tensorflow/tfjs');
