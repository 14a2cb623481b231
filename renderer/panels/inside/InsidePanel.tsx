/** Inside the network: per-layer output statistics over training and the BatchNormalization inspector. */
export function InsidePanel({ dark }: { dark: boolean }) {
  return <div className="inside" data-testid="inside-panel" data-dark={dark} />;
}
