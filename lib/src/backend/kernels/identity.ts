// Identity on wasm without the copy. TF.js clones every tensor a kernel saves for its gradient
// through the Identity kernel (~30 per LeNet-5 step); the stock wasm kernel copies the data each
// time, the cpu backend shares it. Tensors are immutable, so sharing the buffer (one more
// reference, as Reshape does) is safe.
import { Info, replaceWasmKernel, stockKernel } from './wasm-util';

export function registerWasmIdentity(): void {
  replaceWasmKernel('Identity', (args) => {
    const { inputs, backend } = args;
    const { x } = inputs as { x: Info };
    if (x.dtype === 'string') return stockKernel('Identity').kernelFunc(args);
    (backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
