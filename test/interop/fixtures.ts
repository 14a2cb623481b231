/**
 * The model fixtures the interop suite checks, by path under test/fixtures; the templates join them. Not
 * python/article-cnn.py: it is the article's code as printed, missing a comma, kept to test that error; the
 * article's CNN is here as the template and as the TF.js and Keras JSON fixtures.
 */
export const INTEROP_FIXTURES = [
  'python/article-mlp.py',
  'python/residual-functional.py',
  'python/tf-keras2-mnist.py',
  'python/image-classification-from-scratch.py',
  'python/resnet-functions-loops.py',
  'python/conv1d-sequence.py',
  'python/text-lstm-gru.py',
  'python/text-bidirectional.py',
  'python/regularizers-constraints-image.py',
  'python/regularizers-constraints-text.py',
  'python/return-state.py',
  'python/squeeze-excite.py',
  'python/shape-driven-blocks.py',
  'project/residual.layercanvas.json',
  'tfjs/article-mlp/model.json',
  'tfjs/article-cnn/model.json',
  'keras-json/keras3-sequential-article-cnn.json',
  'keras-json/keras3-functional-residual.json',
  'keras-json/keras3.15-sequential-article-cnn.json',
  'keras-json/keras3.15-functional-residual.json',
  'keras-json/tfkeras2-sequential-article-mlp.json',
  'keras-json/tfkeras2-functional-concatenate.json',
  'keras-json/keras3.15-activations.json',
  'keras-json/keras3.15-convnext-block.json',
  'keras-json/keras3.15-sequential-bidirectional.json',
  'keras-json/keras3.15-regularizers-constraints-image.json',
  'keras-json/keras3.15-regularizers-constraints-text.json',
  'keras-json/keras3.15-functional-return-state.json',
];
