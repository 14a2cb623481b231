/** Predict: a sample or a drawn digit through the model, its class probabilities and feature maps. */
export function PredictPanel({ dark }: { dark: boolean }) {
  return <div className="predict" data-testid="predict-panel" data-dark={dark} />;
}
