# The native kernels: oneDNN's matmul primitive and an im2col on the wasm backend's heap (see
# src/product.h, src/patches.h).
# environment/setup.sh builds it with node-gyp into build/Release/milab_native.node.
{
  "targets": [
    {
      "target_name": "milab_native",
      "sources": ["src/addon.cc", "src/product.cc", "src/patches.cc"],
      "libraries": ["-ldnnl", "-lgomp"],
      # oneDNN's C++ API reports failures as exceptions; the glue turns them into JS errors.
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "-fopenmp"]
    }
  ]
}
