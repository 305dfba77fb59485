/**
 * The pictures the MNIST app leaves in its run folder: a Keras {@code plot_model}-style model
 * diagram, the loss and accuracy curves of the training history, and the test-set confusion
 * matrix. {@link dev.rnn4j.mnist.report.Charts} is the entry point; everything is drawn off-screen
 * (headless) and written as PNG by temp-file-then-rename.
 */
package dev.rnn4j.mnist.report;
