import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.js';

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  reload: () => Promise<void>;
}

/** A control API resource read on mount and whenever one of `deps` changes. */
export function useResource<T>(path: string, deps: readonly unknown[] = []): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = useCallback(async () => {
    try {
      setData(await api<T>('GET', path));
      setError(null);
    } catch (failure) {
      if (failure instanceof ApiError) setError(failure);
      else throw failure;
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload, ...deps]);
  return { data, error, reload };
}
