/** Mean, standard deviation and range of a sample of drawn weights. */
export function sampleStats(data: Float32Array): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    sum += v;
    sq += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / data.length;
  return { mean, std: Math.sqrt(Math.max(0, sq / data.length - mean ** 2)), min, max };
}
