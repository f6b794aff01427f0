package cn.tongban.plugin;

/**
 * What a {@link Plugin} extends, each kind with the SPI its plugins implement. The host routes a plugin by
 * its kind and refuses, at load, one whose kind and interface disagree.
 */
public enum PluginKind {
  /** Form handlers a matter's form binds by id ({@link FormHandlerFactory}). */
  FORM_HANDLER(FormHandlerFactory.class),
  /** Every outbox event, whatever the matter, to an outside system ({@link EventSinkFactory}). */
  EVENT_SINK(EventSinkFactory.class),
  /** A department's data source reached live ({@link DataSharingAdapter}). */
  DATA_SOURCE(DataSharingAdapter.class),
  /** The virus scan of uploaded materials ({@link MaterialScanner}). */
  MATERIAL_SCANNER(MaterialScanner.class);

  private final Class<? extends Plugin> type;

  PluginKind(Class<? extends Plugin> type) {
    this.type = type;
  }

  /** The interface a plugin of this kind implements. */
  public Class<? extends Plugin> type() {
    return type;
  }
}
