// Small display helpers shared by the views.

export function formatTime(unix: number | null | undefined): string {
  if (!unix) return '';
  const d = new Date(unix * 1000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

export function label(state: string): string {
  return state.replace(/_/g, ' ');
}

export function basename(path: string): string {
  return path.split('/').pop() ?? path;
}
